// The JSON that checkpoint metadata holds: model architecture, vocabulary, training settings
// and data sources. Field names follow PyTorch's word_language_model where one exists.

extension LanguageModel.Configuration {
    /// `{"cell": "LSTM", "vocab_size": V, "embed": E, "hidden": H, "layers": L, "dropout": p, "tied": b}`.
    var json: JSONValue {
        .object([("cell", .string(cell.rawValue)), ("vocab_size", .integer(vocabularySize)),
                 ("embed", .integer(embeddingSize)), ("hidden", .integer(hiddenSize)),
                 ("layers", .integer(numLayers)), ("dropout", .double(dropout)), ("tied", .bool(tiedWeights))])
    }

    init(json: JSONValue) throws {
        let f = try JSONFields(json, "model")
        guard let cell = CellKind(rawValue: try f.string("cell")) else {
            throw RNNKitError("model.cell '\(try f.string("cell"))' is not one of \(CellKind.allCases.map(\.rawValue))")
        }
        self.init(cell: cell, vocabularySize: try f.int("vocab_size"), embeddingSize: try f.int("embed"),
                  hiddenSize: try f.int("hidden"), numLayers: try f.int("layers"), dropout: try f.double("dropout"),
                  tiedWeights: try f.bool("tied"))
        try validate()
    }
}

extension Vocabulary {
    /// `{"level": "char", "symbols": [...]}`.
    var json: JSONValue {
        .object([("level", .string(level.rawValue)), ("symbols", .array(symbols.map(JSONValue.string)))])
    }

    init(json: JSONValue) throws {
        let f = try JSONFields(json, "vocabulary")
        guard let level = TokenLevel(rawValue: try f.string("level")) else {
            throw RNNKitError("vocabulary.level '\(try f.string("level"))' is neither char nor word")
        }
        try self.init(level: level, symbols: try f.strings("symbols"))
    }
}

extension TrainingConfiguration {
    /// Reads the `training.config` of an old-format (`rnnkit.language-model/1`) checkpoint.
    init(json: JSONValue) throws {
        let f = try JSONFields(json, "training")
        self.init()
        batch = try f.int("batch")
        bptt = try f.int("bptt")
        updateEvery = try f.int("update_every")
        evalBatch = try f.int("eval_batch")
        guard let optimizer = OptimizerKind(rawValue: try f.string("optimizer")) else {
            throw RNNKitError("training.optimizer '\(try f.string("optimizer"))' is unknown")
        }
        self.optimizer = optimizer
        learningRate = try f.double("lr")
        clip = try f.double("clip")
        anneal = try f.double("anneal")
        epochs = try f.int("epochs")
        maxSteps = f.has("max_steps") ? try f.int("max_steps") : nil
        evalEvery = try f.int("eval_every")
        guard let seed = UInt64(try f.string("seed")) else { throw RNNKitError("training.seed is not a number") }
        self.seed = seed
        initRange = try f.double("init_range")
        try validate()
    }
}

extension TextSources {
    /// `{"train": path or null, "valid": …, "test": …, "valid_fraction": f, "level": "char"}`.
    var json: JSONValue {
        .object([("train", train.map(JSONValue.string) ?? .null), ("valid", valid.map(JSONValue.string) ?? .null),
                 ("test", test.map(JSONValue.string) ?? .null), ("valid_fraction", .double(validFraction)),
                 ("level", .string(level.rawValue))])
    }

    init(json: JSONValue) throws {
        let f = try JSONFields(json, "data")
        guard let level = TokenLevel(rawValue: try f.string("level")) else {
            throw RNNKitError("data.level '\(try f.string("level"))' is neither char nor word")
        }
        self.init(train: try f.optionalString("train"), valid: try f.optionalString("valid"),
                  test: try f.optionalString("test"), validFraction: try f.double("valid_fraction"), level: level)
    }
}
