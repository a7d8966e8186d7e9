import Testing
@testable import RNNKit

@Suite struct SeriesWindowsTests {
    let ramp = (0..<10).map(Double.init)   // (N = 10, F = 1)

    @Test func forecastingWindowsGatherTimeMajor() throws {
        let w = try SeriesWindows(forecasting: ramp, featureCount: 1, targetColumns: [0], window: 3, horizon: 2,
                                  targetsIn: 0..<8)
        #expect(w.starts == [0, 1, 2, 3])   // every s in 0...8 − 3 − 2
        #expect(w.inputs([1, 3]) == [1, 3, 2, 4, 3, 5])   // (W, B, F)
        #expect(w.targets([1, 3]) == [4, 5, 6, 7])        // (B, H, T)
        let strided = try SeriesWindows(forecasting: ramp, featureCount: 1, targetColumns: [0], window: 3, horizon: 2,
                                        stride: 2, targetsIn: 0..<10)
        #expect(strided.starts == [0, 2, 4])
        // Validation targets in 8..<10: the input reaches back before the part.
        let valid = try SeriesWindows(forecasting: ramp, featureCount: 1, targetColumns: [0], window: 3, horizon: 2,
                                      targetsIn: 8..<10)
        #expect(valid.starts == [5] && valid.targets([0]) == [8, 9])
    }

    @Test func windowMeanDividesTargetColumnsByTheInputMean() throws {
        // F = 2: a target column 1...6 and a covariate 10, 20, ….
        let matrix: [Double] = [1, 10, 2, 20, 3, 30, 4, 40, 5, 50, 6, 60]
        let w = try SeriesWindows(forecasting: matrix, featureCount: 2, targetColumns: [0], window: 3, horizon: 1,
                                  targetsIn: 0..<6, windowMean: true)
        #expect(w.starts == [0, 1, 2])
        #expect(w.levels(inputFrom: 1) == [3])   // mean of 2, 3, 4
        #expect(w.inputs([1]) == [2.0 / 3, 20, 1, 30, 4.0 / 3, 40])   // (W, 1, F)
        #expect(w.targets([0, 1]) == [2, 5.0 / 3])                      // 4 / 2, 5 / 3
        let (x, levels) = try w.input(endingAt: 6)
        #expect(levels == [5] && x == [0.8, 40, 1, 50, 1.2, 60])
        #expect(throws: RNNKitError("a forecast from row 2 needs the 3 rows before it, within the 6 rows")) {
            try w.input(endingAt: 2)
        }
    }

    @Test func reconstructionWindowsAreInputsOnly() throws {
        let w = try SeriesWindows(reconstructing: ramp, featureCount: 1, window: 4)
        #expect(w.count == 7 && w.horizon == 0)
        #expect(w.inputs([6]) == [6, 7, 8, 9])
        let strided = try SeriesWindows(reconstructing: ramp, featureCount: 1, window: 4, stride: 3, rows: 1..<10)
        #expect(strided.starts == [1, 4])
        #expect(throws: RNNKitError("fewer rows (3) than the window length (4)")) {
            try SeriesWindows(reconstructing: ramp, featureCount: 1, window: 4, rows: 0..<3)
        }
    }

    @Test func badSettingsAreErrorsNotTraps() {
        func failure(window: Int = 3, horizon: Int = 2, stride: Int = 1, targets: [Int] = [0], range: Range<Int> = 0..<10) -> String? {
            do {
                _ = try SeriesWindows(forecasting: ramp, featureCount: 1, targetColumns: targets, window: window,
                                      horizon: horizon, stride: stride, targetsIn: range)
                return nil
            } catch { return (error as? RNNKitError)?.message }
        }
        #expect(failure(window: 0) == "the window length must be at least 1 (it is 0)")
        #expect(failure(horizon: 0) == "the horizon must be at least 1 (it is 0)")
        #expect(failure(stride: -1) == "the stride must be at least 1 (it is -1)")
        #expect(failure(window: 8, horizon: 3) == "fewer rows (10) than window + horizon (11)")
        #expect(failure(window: .max, horizon: 2) == "fewer rows (10) than window + horizon (too many)")
        #expect(failure(horizon: .max) == "fewer rows (10) than window + horizon (too many)")
        #expect(failure(stride: .max) == nil)
        #expect(failure(targets: [1]) == "target columns [1] must be distinct features in 0..<1")
        #expect(failure(range: 0..<11) == "rows 0..<11 lie outside the 10 rows of the series")
        #expect(failure(range: -1..<5) == "rows -1..<5 lie outside the 10 rows of the series")
        #expect(throws: RNNKitError("3 values do not make rows of 2 features")) {
            try SeriesWindows(reconstructing: [1, 2, 3], featureCount: 2, window: 1)
        }
    }

    @Test func splitsByTimeAndPlacesBacktestOrigins() throws {
        let split = try SeriesSplit(rows: 144, testRows: 24, window: 24, horizon: 12)
        #expect(split.train == 0..<120 && split.validation == 120..<120 && split.test == 120..<144)
        #expect(try split.origins(stride: 12) == [120, 132])
        #expect(try split.origins(stride: 5, from: 130) == [130, 135, 140])
        let withValidation = try SeriesSplit(rows: 144, testFrom: 120, validationRows: 12, window: 24, horizon: 12)
        #expect(withValidation.train == 0..<108 && withValidation.validation == 108..<120 && withValidation.rows == 144)
        func failure(rows: Int = 144, test: Int = 24, validation: Int = 0, window: Int = 24, horizon: Int = 12) -> String? {
            do {
                _ = try SeriesSplit(rows: rows, testRows: test, validationRows: validation, window: window, horizon: horizon)
                return nil
            } catch { return (error as? RNNKitError)?.message }
        }
        #expect(failure(test: 5) == "the test part (5 rows) is shorter than the horizon (12)")
        #expect(failure(validation: 3) == "the validation part (3 rows) is shorter than the horizon (12)")
        #expect(failure(rows: 50) == "the training part has fewer rows (26) than window + horizon (36)")
        #expect(failure(test: 145) == "a test part of 145 rows and a validation part of 0 do not fit in 144 rows")
        #expect(failure(test: 100, validation: .max) == "a test part of 100 rows and a validation part of \(Int.max) do not fit in 144 rows")
        #expect(failure(test: -1) == "the test and validation sizes must not be negative (-1, 0)")
        #expect(failure(horizon: 0) == "the horizon must be at least 1 (it is 0)")
        #expect(failure(window: .max) == "the training part has fewer rows (120) than window + horizon (too many)")
        #expect(failure(test: 0) == nil)
        #expect(throws: RNNKitError("there is no test part to backtest over")) {
            try SeriesSplit(rows: 144, testRows: 0, window: 24, horizon: 12).origins(stride: 12)
        }
        #expect(throws: RNNKitError("the backtest start (row 100) lies outside the test part (rows 120..<144)")) {
            try split.origins(stride: 12, from: 100)
        }
        #expect(throws: RNNKitError("the test part cannot start at row 145 of 144")) {
            try SeriesSplit(rows: 144, testFrom: 145, window: 24, horizon: 12)
        }
    }
}
