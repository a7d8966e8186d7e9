/// Writes a text file (a plot, a CSV) crash-safely: to a temporary file in the same folder,
/// then renamed over `path`, so a reader never sees half of it.
/// - Throws: `RNNKitError` naming the file and the operating system's reason.
public func writeTextFile(_ text: String, to path: String) throws {
    try FileIO.writeAtomically(Array(text.utf8), to: path)
}
