// metrics.jsonl, which a resumed run reads back (lines cut short by a crash are skipped), and
// the loss curve drawn from whatever it holds.
import FuzzSupport
@testable import RNNKit

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    Fuzz.initialize()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMetrics(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: Fuzz.bytes(data, size), as: UTF8.self)
    let records = TaskMetricsRecord.records(inJSONLines: text)
    let points = records.filter { $0.test == nil }
        .map { LossCurve.LossPoint(step: $0.step, trainLoss: $0.trainLoss, validLoss: $0.validLoss) }
    _ = LossCurve.svg(points: points, title: "fuzz")
    let lm = MetricsRecord.records(inJSONLines: text)
    _ = LossCurve.svg(lm, title: "fuzz")
    return 0
}
