/// Errors RNNKit throws for bad input it cannot compute with: malformed files, mismatched
/// weights, impossible configurations. Each renders as one line suitable for a command line.
public struct RNNKitError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The one-line, human-readable explanation.
    public let message: String

    /// Creates an error with a one-line message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message itself.
    public var description: String { message }
}
