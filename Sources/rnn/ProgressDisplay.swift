import Foundation
import RNNKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `rnn train` prints while it runs: on a terminal, one live progress line (epoch,
/// step/total, loss, tokens/s, ETA) rewritten in place; otherwise plain log lines. Each
/// validation prints its figures and a sample of the current model.
final class ProgressDisplay {
    let isTerminal = isatty(STDOUT_FILENO) != 0
    /// Log every this many steps when not on a terminal; nil: about every 10 seconds.
    let logEvery: Int?
    /// Tokens to sample at each validation.
    let sampleLength: Int
    /// What the throughput counts, per second (`TrainingTask.throughputUnit`).
    var unit = "tok"
    let clock = ContinuousClock()
    var lastLine: ContinuousClock.Instant?
    var liveLineShown = false

    init(logEvery: Int?, sampleLength: Int) {
        self.logEvery = logEvery
        self.sampleLength = sampleLength
    }

    func handle(_ event: TrainingEvent, trainer: Trainer) {
        switch event {
        case let .step(report): step(report)
        case let .validation(record, improved, annealedFrom):
            validation(record, improved: improved, annealedFrom: annealedFrom, trainer: trainer)
        case let .test(loss):
            say("test loss \(fixed(loss, 4)) (perplexity \(fixed(Double.exp(loss), 2))) with the best model")
        }
    }

    func step(_ r: TrainingStepReport) {
        let now = clock.now
        if isTerminal {
            if let last = lastLine, now - last < .milliseconds(100), r.step != r.totalSteps { return }
            lastLine = now
            let line = "epoch \(r.epoch)/\(r.epochs)  step \(r.step)/\(r.totalSteps)  loss \(fixed(r.loss, 4))"
                + "  \(thousands(r.tokensPerSecond)) \(unit)/s  ETA \(duration(r.secondsRemaining))"
            print("\r\u{1B}[2K" + line, terminator: "")
            liveLineShown = true
            fflush(nil)
            return
        }
        let due: Bool
        if let every = logEvery {
            due = r.step % every == 0
        } else {
            due = lastLine.map { now - $0 >= .seconds(10) } ?? true
        }
        guard due else { return }
        lastLine = now
        say("epoch \(r.epoch)/\(r.epochs) step \(r.step)/\(r.totalSteps) loss \(fixed(r.loss, 6)) lr \(rate(r.learningRate))"
            + " \(thousands(r.tokensPerSecond)) \(unit)/s ETA \(duration(r.secondsRemaining))")
    }

    func validation(_ m: MetricsRecord, improved: Bool, annealedFrom: Double?, trainer: Trainer) {
        var line = "epoch \(m.epoch) step \(m.step): train \(fixed(m.trainLoss, 4))  valid \(fixed(m.validLoss, 4))"
            + " (perplexity \(fixed(m.validPerplexity, 2)))  \(thousands(m.tokensPerSecond)) tok/s  \(duration(m.elapsedSeconds)) elapsed"
        if improved { line += "  [best]" }
        say(line)
        if let from = annealedFrom {
            say("validation loss did not improve: learning rate \(rate(from)) → \(rate(m.learningRate))")
        }
        if sampleLength > 0 {
            let text = trainer.sample(count: sampleLength)
            say("--- sample ---\n" + text.trimmingTrailingNewlines + "\n--------------")
        }
    }

    /// Prints `text` on its own line(s), first clearing the live line.
    func say(_ text: String) {
        if liveLineShown { print("\r\u{1B}[2K", terminator: ""); liveLineShown = false }
        print(text)
        fflush(nil)
    }

    /// Ends the live line.
    func finish() {
        if liveLineShown { print(""); liveLineShown = false }
        fflush(nil)
    }
}

/// `x` with `digits` decimals.
func fixed(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return "\(x)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    guard abs(x) * scale < 1e18 else { return "\(x)" }                     // beyond Int: as Swift prints it
    let n = Int((abs(x) * scale).rounded())
    let whole = n / Int(scale), fraction = String(n % Int(scale))
    let sign = x < 0 && n != 0 ? "-" : ""
    return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
}

/// A learning rate with four significant digits: 0.002996, 20, 1e-05.
func rate(_ x: Double) -> String {
    String(format: "%.4g", x)
}

/// A count with thousands separators: 12,345.
func thousands(_ x: Double) -> String {
    guard x.isFinite, abs(x) < 1e18 else { return x.isFinite ? "\(x)" : "?" }
    var digits = String(Int(x.rounded())), out = ""
    let sign = digits.hasPrefix("-") ? "-" : ""
    digits.removeFirst(sign.count)
    while digits.count > 3 {
        out = "," + digits.suffix(3) + out
        digits.removeLast(3)
    }
    return sign + digits + out
}

/// Seconds as m:ss or h:mm:ss.
func duration(_ seconds: Double) -> String {
    guard seconds.isFinite, abs(seconds) < 1e15 else { return "?" }
    let s = Int(seconds.rounded())
    let two = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
    return s >= 3600 ? "\(s / 3600):\(two(s / 60 % 60)):\(two(s % 60))" : "\(s / 60):\(two(s % 60))"
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = self
        while s.last == "\n" { s.removeLast() }
        return s
    }
}
