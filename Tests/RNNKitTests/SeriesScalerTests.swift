import Testing
@testable import RNNKit

@Suite struct SeriesScalerTests {
    @Test func minMaxAndStandardByHand() throws {
        let minmax = try SeriesScaler(fitting: [[2, 6, 4], [-1, 1, 0]], scaling: .minmax)
        #expect(minmax.offsets == [2, -1] && minmax.scales == [4, 2])
        #expect(minmax.transform(8, column: 0) == 1.5 && minmax.inverse(1.5, column: 0) == 8)
        #expect(try minmax.transform(matrix: [2, -1, 6, 1]) == [0, 0, 1, 1])   // (N, F)
        // mean 2.5; sample variance ((1.5² + 0.5²) · 2) / 3 = 5/3
        let standard = try SeriesScaler(fitting: [[1, 2, 3, 4]], scaling: .standard)
        #expect(standard.offsets == [2.5])
        #expect(abs(standard.scales[0] - (5.0 / 3).squareRoot()) < 1e-15)
        let windowMean = try SeriesScaler(fitting: [[104, 505]], scaling: .windowMean)
        #expect(windowMean.offsets == [104] && windowMean.scales == [401])
    }

    @Test func aConstantTrainingPartDividesByOne() throws {
        #expect(try SeriesScaler(fitting: [[7, 7, 7]], scaling: .minmax).scales == [1])
        #expect(try SeriesScaler(fitting: [[7, 7, 7]], scaling: .standard).scales == [1])
        #expect(try SeriesScaler(fitting: [[7]], scaling: .standard).scales == [1])
        #expect(throws: RNNKitError("column 1 has no training rows to fit a scaler on")) {
            try SeriesScaler(fitting: [[]], scaling: .minmax)
        }
        #expect(throws: RNNKitError("the training values of column 1 spread too widely to scale")) {
            try SeriesScaler(fitting: [[-1e308, 1e308]], scaling: .minmax)
        }
    }

    @Test func windowLevelsAreMeansGuardedNearZero() {
        #expect(SeriesScaler.level([1, 2, 6]) == 3)
        #expect(SeriesScaler.level([0, 0, 0]) == 1)
        #expect(SeriesScaler.level([0.0004, 0]) == 1)
        #expect(SeriesScaler.level([-0.5, -1.5]) == -1)
        #expect(SeriesScaler.level([]) == 1)
    }

    @Test func forecastsComeBackInOriginalUnits() throws {
        let s = try SeriesScaler(scaling: .windowMean, offsets: [100, 0], scales: [10, 1])
        // (H = 2, T = 1) forecast for column 0 with level 0.5: (y · 0.5) · 10 + 100
        #expect(try s.inverse(forecast: [1, 2], targetColumns: [0], levels: [0.5]) == [105, 110])
        #expect(try s.inverse(forecast: [1, 2, 3, 4], targetColumns: [1, 0], levels: [1, 2]) == [1, 140, 3, 180])
        #expect(throws: RNNKitError("a forecast of 2 values cannot be unscaled for target columns [] with 0 levels")) {
            try s.inverse(forecast: [1, 2], targetColumns: [], levels: [])
        }
        #expect(throws: RNNKitError("a forecast of 2 values cannot be unscaled for target columns [2] with 1 levels")) {
            try s.inverse(forecast: [1, 2], targetColumns: [2], levels: [1])
        }
    }

    @Test func metadataRoundTripsExactly() throws {
        let s = try SeriesScaler(scaling: .standard, offsets: [0.1, 1.0 / 3, -5e-300], scales: [2.5, 1e300, 0.7])
        #expect(s.metadata["series_scaling"] == "standard")
        #expect(try SeriesScaler(metadata: s.metadata) == s)
        var m = s.metadata
        m["series_scaler_scales"] = "1,nan,2"
        #expect(throws: RNNKitError("the checkpoint's 'series_scaler_scales' holds 'nan', not a finite number")) {
            try SeriesScaler(metadata: m)
        }
        m["series_scaler_scales"] = "1,0,2"
        #expect(throws: RNNKitError("a series scaler's offsets must be finite and its scales finite and positive")) {
            try SeriesScaler(metadata: m)
        }
        m["series_scaler_scales"] = "1,2"
        #expect(throws: RNNKitError("a series scaler needs one offset and one scale per column (3 offsets, 2 scales)")) {
            try SeriesScaler(metadata: m)
        }
        m["series_scaling"] = "log"
        #expect(throws: RNNKitError("the checkpoint's series scaling 'log' is not one of minmax, standard, window-mean")) {
            try SeriesScaler(metadata: m)
        }
        m["series_scaling"] = nil
        #expect(throws: RNNKitError("the checkpoint has no 'series_scaling'")) { try SeriesScaler(metadata: m) }
        #expect(SeriesScaling(rawValue: "window-mean") == .windowMean)
    }
}
