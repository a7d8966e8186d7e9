import Foundation
import Testing

/// Runs the built `rnn` executable, which SwiftPM puts in the build products folder next to
/// this test bundle's resource bundle (`swift build --build-tests`, which `swift test` runs,
/// builds every product).
enum RNNTool {
    /// The executable's path.
    static var path: String {
        Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("rnn").path
    }

    /// What a finished run printed and returned.
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        /// The non-empty lines of stderr.
        var errorLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }

    /// Runs `rnn` with `arguments` (and `environment` added to this process's) to completion.
    static func run(_ arguments: [String], environment: [String: String] = [:],
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        let folder = TemporaryFolder("rnn-output")
        let process = try start(arguments, stdout: folder.file("out"), stderr: folder.file("err"), environment: environment,
                                sourceLocation: sourceLocation)
        return Result(waitingFor: process, outputIn: folder)
    }

    /// Starts `rnn` with its output going to the files `stdout` and `stderr`.
    static func start(_ arguments: [String], stdout: String, stderr: String, environment: [String: String] = [:],
                      sourceLocation: SourceLocation = #_sourceLocation) throws -> Process {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            Issue.record("the rnn executable is not at \(path); build it with 'swift build'", sourceLocation: sourceLocation)
            throw CocoaError(.fileNoSuchFile)
        }
        return try spawn(path, arguments, stdout: stdout, stderr: stderr, environment: environment)
    }

    /// Starts `executable` (rnn, or a launcher that starts it) with its output going to the
    /// files `stdout` and `stderr`, `environment` added to this process's.
    static func spawn(_ executable: String, _ arguments: [String], stdout: String, stderr: String,
                      environment: [String: String]) throws -> Process {
        _ = FileManager.default.createFile(atPath: stdout, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.standardOutput = FileHandle(forWritingAtPath: stdout)
        process.standardError = FileHandle(forWritingAtPath: stderr)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }
}

extension RNNTool.Result {
    /// Waits for `process` and reads what it wrote to `out` and `err` in `folder`.
    init(waitingFor process: Process, outputIn folder: TemporaryFolder) {
        process.waitUntilExit()
        self.init(status: process.terminationStatus,
                  stdout: (try? String(contentsOfFile: folder.file("out"), encoding: .utf8)) ?? "",
                  stderr: (try? String(contentsOfFile: folder.file("err"), encoding: .utf8)) ?? "")
    }
}
