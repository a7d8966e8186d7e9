import ArgumentParser
import RNNKit

/// `rnn explain`: a tiny RNN worked through with every number.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Print the forward pass or the backward pass (BPTT) of a tiny RNN over a sentence, step by step.",
        discussion: """
            A word-level Elman RNN (tanh, H hidden units, fixed weights printed first) reads the words of \
            --text and predicts each next word (<eos> after the last). 'forward' prints the unrolled table \
            (t, x_t, h_{t-1}, h_t, y_t); 'bptt' prints δ_t and ∂L/∂W_hh accumulated as Σ δ_t h_{t-1}ᵀ from \
            the last step back, then checks it by finite differences.
            """)

    /// What to print.
    enum Pass: String, ExpressibleByArgument, CaseIterable {
        case forward, bptt
    }

    @Argument(help: "forward or bptt.")
    var pass: Pass
    @Option(help: "The sentence (whitespace-separated words). (default: \"I love AI\")")
    var text: String = "I love AI"
    @Option(parsing: .unconditional, help: "Hidden units, 1...8. (default: 2)")
    var hidden: Int = 2

    func validate() throws {
        if !(1...8).contains(hidden) { throw ValidationError("--hidden must be in 1...8, got \(hidden)") }
    }

    func run() throws {
        let walkthrough = try ElmanWalkthrough(text: text, hidden: hidden)
        print(walkthrough.weightsText)
        print()
        switch pass {
        case .forward: print(walkthrough.forwardTable, terminator: "")
        case .bptt: print(walkthrough.backwardTable, terminator: "")
        }
    }
}
