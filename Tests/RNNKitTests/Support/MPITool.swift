import Foundation
import Testing

/// Runs the built `rnn` under Open MPI's `mpirun`, when it is installed (the MPI tests are
/// skipped otherwise; `.ci/run` installs openmpi-bin).
enum MPITool {
    /// `mpirun` on the PATH, if it is Open MPI's.
    static let mpirun: String? = {
        guard let candidate = onPath("mpirun") else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: candidate)
        process.arguments = ["--version"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        guard (try? process.run()) != nil else { return nil }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return output.contains("Open MPI") ? candidate : nil
    }()

    /// Whether the MPI tests can run.
    static var available: Bool { mpirun != nil }

    /// MPICH's launcher (Debian's `mpirun.mpich`, Hydra), if installed.
    static let mpichLauncher: String? = onPath("mpirun.mpich")

    /// The first executable `name` in a folder of PATH, as the shell would find it.
    static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Lets mpirun run as root (CI containers) and start more ranks than cores.
    static let environment = ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"]

    /// The mpirun arguments that start `ranks` copies of `rnn arguments`.
    static func app(_ ranks: Int, _ arguments: [String]) -> [String] {
        ["-np", String(ranks), RNNTool.path] + arguments
    }

    /// Starts `mpirun --oversubscribe <apps>` (apps joined by `:`), output to files; with
    /// `mpich`, MPICH's launcher instead (which oversubscribes without being told).
    static func start(_ apps: [[String]], stdout: String, stderr: String, mpich: Bool = false) throws -> Process {
        let arguments = (mpich ? [] : ["--oversubscribe"]) + apps.enumerated().flatMap { $0.offset == 0 ? $0.element : [":"] + $0.element }
        return try RNNTool.spawn(mpich ? mpichLauncher! : mpirun!, arguments, stdout: stdout, stderr: stderr, environment: environment)
    }

    /// Runs `mpirun --oversubscribe <apps>` (or MPICH's launcher) to completion.
    static func run(_ apps: [[String]], mpich: Bool = false) throws -> RNNTool.Result {
        let folder = TemporaryFolder("mpirun-output")
        let process = try start(apps, stdout: folder.file("out"), stderr: folder.file("err"), mpich: mpich)
        return RNNTool.Result(waitingFor: process, outputIn: folder)
    }

    /// The processes mpirun started (its children), by `OMPI_COMM_WORLD_RANK`.
    static func ranks(of mpirun: Process) -> [Int: Int32] {
        let pid = mpirun.processIdentifier
        guard let children = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8) else { return [:] }
        var found: [Int: Int32] = [:]
        for child in children.split(separator: " ").compactMap({ Int32($0) }) {
            guard let environ = FileManager.default.contents(atPath: "/proc/\(child)/environ") else { continue }
            for entry in environ.split(separator: 0) {
                let text = String(decoding: entry, as: UTF8.self)
                if text.hasPrefix("OMPI_COMM_WORLD_RANK="), let r = Int(text.dropFirst(21)) { found[r] = child }
            }
        }
        return found
    }
}
