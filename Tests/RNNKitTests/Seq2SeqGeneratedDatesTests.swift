import Testing
@testable import RNNKit

@Suite struct Seq2SeqGeneratedDatesTests {
    @Test func everyFormatWritesItsExample() {
        let day = GeneratedDates.days(year: 1997, month: 3, day: 3)
        #expect(day == 9923)                                               // Python: (date(1997,3,3) - date(1970,1,1)).days
        for (format, example) in GeneratedDates.formats.enumerated() {
            #expect(GeneratedDates.written(day, format: format) == example)
        }
    }

    @Test func calendarMatchesPython() {
        // (date, days since 1970-01-01, weekday) from Python's datetime.
        #expect(GeneratedDates.days(year: 1950, month: 1, day: 1) == -7305)
        #expect(GeneratedDates.written(-7305, format: 3) == "sunday, january 1 1950")
        #expect(GeneratedDates.days(year: 2049, month: 12, day: 31) == 29219)
        #expect(GeneratedDates.written(29219, format: 9) == "fri 31 dec 49")
        #expect(GeneratedDates.days(year: 2000, month: 2, day: 29) == 11016)
        #expect(GeneratedDates.written(11016, format: 13) == "Tuesday 29 February 2000")
        #expect(GeneratedDates.written(11016, format: 1) == "02/29/00")
        #expect(GeneratedDates.written(11016, format: 8) == "29th of february 2000")
        #expect(GeneratedDates.written(GeneratedDates.days(year: 2011, month: 11, day: 22), format: 8) == "22nd of november 2011")
        #expect(GeneratedDates.written(GeneratedDates.days(year: 2011, month: 11, day: 12), format: 8) == "12th of november 2011")
        for day in stride(from: -7305, through: 29219, by: 97) {
            let (y, m, d) = GeneratedDates.civil(day)
            #expect(GeneratedDates.days(year: y, month: m, day: d) == day)
        }
    }

    @Test func pairsAreDeterministicAndValid() {
        let a = GeneratedDates.pairs(count: 500, seed: 3)
        #expect(a.map(\.source) == GeneratedDates.pairs(count: 500, seed: 3).map(\.source))
        #expect(a.map(\.source) != GeneratedDates.pairs(count: 500, seed: 4).map(\.source))
        for (source, target) in a {
            let parts = target.split(separator: "-").compactMap { Int($0) }
            #expect(parts.count == 3 && (1950...2049).contains(parts[0]) && (1...12).contains(parts[1]) && (1...31).contains(parts[2]))
            #expect(!source.isEmpty && target.count == 10)
        }
        #expect(Set(a.map(\.source)).count > 490)
    }

    @Test func dataIsCharacterLevelWithUnseenValidation() {
        let (train, valid) = GeneratedDates.data(train: 300, valid: 40, seed: 11)
        #expect(train.count == 300 && valid.count == 40)
        #expect(train.sources[0].joined() == GeneratedDates.pairs(count: 1, seed: 11)[0].source)
        #expect(train.targets.allSatisfy { $0.count == 10 && $0[4] == "-" })
        let seen = Set(train.sources.map { $0.joined() })
        #expect(valid.sources.allSatisfy { !seen.contains($0.joined()) })
        #expect(GeneratedDates.data(train: 300, valid: 40, seed: 11).valid == valid)
    }
}
