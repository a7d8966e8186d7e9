import ArgumentParser
import RNNKit

/// `rnn`: train, sample from, evaluate and benchmark recurrent networks.
@main
struct RNNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rnn",
        abstract: "Recurrent neural networks in Swift: RNN, LSTM and GRU, numerically identical to PyTorch.",
        version: rnnKitVersion,
        subcommands: [InfoCommand.self, BenchCommand.self],
        defaultSubcommand: InfoCommand.self
    )
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
