import ArgumentParser
import RNNKit

/// `rnn import`: a PyTorch-trained classifier or tagger becomes a run folder.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a PyTorch state_dict (safetensors, PyTorch's names) into a run folder that rnn classify|tag predict/eval read.",
        discussion: """
            --config holds the constructor arguments of SequenceClassifier or SequenceTagger in \
            reference_models.py as JSON (inline, or @file), e.g. {"cell": "LSTM", "vocab": 9076, "embed": 128, \
            "hidden": 128, "layers": 1, "bidirectional": true, "classes": 2, "pooling": "max"}. --vocabulary and \
            --labels are text files with one symbol per line, in id order (<pad>, <unk>, then the symbols sorted, \
            as torch_tasks.py builds them). The weights are checked to fit the model exactly.
            """)

    /// The kinds, by their command names.
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case classifier, tagger
        var modelKind: String { self == .classifier ? ClassificationTask.kind : TaggingTask.kind }
    }

    @Argument(help: "What the weights are: classifier or tagger.")
    var kind: Kind
    @Option(help: ArgumentHelp("The state_dict as safetensors (safetensors.torch.save_file(model.state_dict(), FILE)).", valueName: "file"))
    var weights: String
    @Option(help: ArgumentHelp("The model's constructor arguments as JSON, or @file.", valueName: "json"))
    var config: String
    @Option(help: ArgumentHelp("Token symbols, one per line, in id order.", valueName: "file"))
    var vocabulary: String
    @Option(help: ArgumentHelp("Class or tag names, one per line, in id order.", valueName: "file"))
    var labels: String
    @Option(help: "Tokens of the texts to classify: word or char. (default: word)")
    var level: TaskLevelOption?
    @Flag(help: "Lowercase texts before cutting them into tokens (as the model was trained).")
    var lowercase = false
    @Option(help: ArgumentHelp("The run folder to write (must not hold a run).", valueName: "dir"))
    var out: String

    func run() throws {
        let run = RunDirectory(out)
        if RunDirectory.exists(run.bestPath) || run.hasCheckpoint {
            throw RNNKitError("'\(run.path)' already holds a model; choose another --out")
        }
        let json = config.hasPrefix("@") ? try TextFile.read(String(config.dropFirst())) : config
        func lines(_ path: String) throws -> [String] {
            try TextFile.read(path).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                .reversed().drop(while: \.isEmpty).reversed()
        }
        var settings = TextTaskSettings()
        settings.unit = level?.unit ?? .word
        settings.lowercase = lowercase
        try ImportedTaskModel.write(kind: kind.modelKind, configJSON: json, weightsPath: absolutePath(weights),
                                    vocabulary: try lines(vocabulary), labels: try lines(labels), settings: settings, to: run)
        print("imported a \(kind.modelKind) into \(run.bestPath); try: rnn \(kind == .classifier ? "classify" : "tag") predict --model \(run.path)")
    }
}
