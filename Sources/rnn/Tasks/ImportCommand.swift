import ArgumentParser
import RNNKit

/// `rnn import`: a PyTorch-trained classifier or tagger becomes a run folder.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a PyTorch state_dict (safetensors, PyTorch's names) into a run folder that the commands of its kind read.",
        discussion: """
            --config holds the model's constructor arguments as JSON (inline, or @file). A language model \
            (rnn sample/eval/score): {"cell": "LSTM", "vocab_size": 65, "embed": 64, "hidden": 256, "layers": 2, \
            "dropout": 0, "tied": false}, with --level char|word and --vocabulary sorted by code point. A classifier \
            or tagger (rnn classify|tag predict/eval): the arguments of SequenceClassifier or SequenceTagger in \
            reference_models.py, e.g. {"cell": "LSTM", "vocab": 9076, "embed": 128, "hidden": 128, "layers": 1, \
            "bidirectional": true, "classes": 2, "pooling": "max"}, with --vocabulary (<pad>, <unk>, then the \
            symbols sorted, as torch_tasks.py builds them) and --labels. Symbol files hold one symbol per line in \
            id order, or a JSON array of strings. The weights are checked to fit the model exactly.
            """)

    /// The kinds, by their command names.
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case languageModel = "language-model", classifier, tagger
        var modelKind: String {
            switch self {
            case .languageModel: LanguageModelTask.kind
            case .classifier: ClassificationTask.kind
            case .tagger: TaggingTask.kind
            }
        }
        var command: String {
            switch self {
            case .languageModel: "sample"
            case .classifier: "classify predict"
            case .tagger: "tag predict"
            }
        }
    }

    @Argument(help: "What the weights are: language-model, classifier or tagger.")
    var kind: Kind
    @Option(help: ArgumentHelp("The state_dict as safetensors (safetensors.torch.save_file(model.state_dict(), FILE)).", valueName: "file"))
    var weights: String
    @Option(help: ArgumentHelp("The model's constructor arguments as JSON, or @file.", valueName: "json"))
    var config: String
    @Option(help: ArgumentHelp("Token symbols, one per line, in id order.", valueName: "file"))
    var vocabulary: String
    @Option(help: ArgumentHelp("Class or tag names, one per line, in id order (classifier and tagger).", valueName: "file"))
    var labels: String?
    @Option(help: "Tokens: word or char. (default: word)")
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
        let symbols = try ImportedTaskModel.readSymbols(vocabulary)
        if kind == .languageModel {
            if labels != nil { throw RNNKitError("--labels does not apply to a language model") }
            try ImportedTaskModel.writeLanguageModel(configJSON: json, weightsPath: absolutePath(weights), vocabulary: symbols,
                                                     level: level == .char ? .char : .word, to: run)
        } else {
            guard let labels else { throw RNNKitError("a \(kind.rawValue) needs --labels (its class or tag names)") }
            var settings = TextTaskSettings()
            settings.unit = level?.unit ?? .word
            settings.lowercase = lowercase
            try ImportedTaskModel.write(kind: kind.modelKind, configJSON: json, weightsPath: absolutePath(weights),
                                        vocabulary: symbols, labels: try ImportedTaskModel.readSymbols(labels),
                                        settings: settings, to: run)
        }
        print("imported a \(kind.modelKind) into \(run.bestPath); try: rnn \(kind.command) --model \(run.path)")
    }
}
