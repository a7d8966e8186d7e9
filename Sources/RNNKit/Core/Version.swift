/// RNNKit's version, as `rnn --version` prints it.
public let rnnKitVersion = "0.1.0"
