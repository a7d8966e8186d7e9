import ArgumentParser
import RNNKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `rnn`: train, sample from, evaluate and score recurrent language models; train and run
/// sentence classifiers and sequence taggers; import PyTorch weights.
@main
struct RNNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rnn",
        abstract: "Recurrent neural networks in Swift: RNN, LSTM and GRU, numerically identical to PyTorch.",
        discussion: "Start with 'rnn train': with no arguments it trains a small character LSTM on a built-in corpus.",
        version: rnnKitVersion,
        subcommands: [TrainCommand.self, SampleCommand.self, EvalCommand.self, ScoreCommand.self, ClassifyCommand.self,
                      TagCommand.self, ForecastCommand.self, AnomalyCommand.self, Seq2SeqCommand.self, CaptionCommand.self,
                      ImportCommand.self, DiagnoseCommand.self, ExplainCommand.self, InfoCommand.self, BenchCommand.self],
        defaultSubcommand: InfoCommand.self
    )

    /// Runs the command; every error becomes one line on stderr (`error: …`) and a non-zero
    /// exit status, never a stack trace. Help and version requests print as usual.
    static func main() {
        do {
            var command = try parseAsRoot(nil)
            try command.run()
            ParallelRun.finish()
        } catch let code as ExitCode {
            terminate(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            let lines = message(for: error).split(separator: "\n", omittingEmptySubsequences: true)
            var stderr = StandardError()
            let rank = ParallelRun.isDistributed ? " (rank \(ParallelRun.current!.communicator.rank))" : ""
            print("error\(rank): " + (lines.first.map(String.init) ?? "\(error)"), to: &stderr)
            ParallelRun.abortIfDistributed(code: code.rawValue)
            terminate(code.rawValue)
        }
    }
}

/// `rnn info`: what this build computes with.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print the RNNKit version and the compute kernels this CPU will use.")

    func run() throws {
        print("RNNKit \(rnnKitVersion)")
        print("kernels: \(ComputeInfo.kernelDescription)")
        print("threads: \(ComputeInfo.threadCount)")
    }
}

/// Standard error as a `TextOutputStream` (unbuffered writes to file descriptor 2).
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        let bytes = Array(string.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { writeBytes(STDERR_FILENO, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 { return }
            done += n
        }
    }
}

/// POSIX `write` (named apart from `TextOutputStream.write`).
private func writeBytes(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}

/// Flushes standard output and ends the process with `code`.
func terminate(_ code: Int32) -> Never {
    fflush(nil)
    exit(code)
}
