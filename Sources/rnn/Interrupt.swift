#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many SIGINTs (Ctrl-C) arrived; written only by the signal handler.
nonisolated(unsafe) private var interruptCount: sig_atomic_t = 0
/// The line a rank of an MPI run prints when a signal ends it (prepared before the handler runs).
nonisolated(unsafe) private var stopLine: UnsafeMutableBufferPointer<UInt8>?

/// Ctrl-C during training: the first SIGINT asks the trainer to stop after the current step
/// and write a checkpoint; a second one ends the program at once (checkpoints are written
/// atomically, so the previous one survives).
///
/// In an MPI run the ranks could see Ctrl-C at different steps, and the launcher ends every
/// rank when one dies: there SIGINT and SIGTERM end the rank at once with one line saying so;
/// the last checkpoint (written atomically by rank 0) is kept for --resume.
enum Interrupt {
    /// Routes SIGINT to the handler, and unblocks it in case the parent process started this
    /// one with SIGINT blocked (a blocked signal mask is inherited).
    static func install(runFolder: String? = nil) {
        if ParallelRun.isDistributed, let p = ParallelRun.current {
            let text = "rnn (rank \(p.communicator.rank) of \(p.communicator.size)): stopped by a signal — the run was interrupted or another rank ended; the last checkpoint in \(runFolder ?? "the run folder") is intact (continue with --resume)\n"
            let bytes = Array(text.utf8)
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
            _ = buffer.initialize(from: bytes)
            stopLine = buffer
            signal(SIGINT, handleStop)
            signal(SIGTERM, handleStop)
        } else {
            signal(SIGINT, handleInterrupt)
        }
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    /// Whether Ctrl-C was pressed.
    static var requested: Bool { interruptCount > 0 }
}

/// The SIGINT handler: async-signal-safe (a store and `signal`).
private func handleInterrupt(_: Int32) {
    interruptCount = 1
    _ = signal(SIGINT, SIG_DFL)
}

/// The handler of an MPI rank: async-signal-safe (`write` and `_exit`).
private func handleStop(_ signal: Int32) {
    if let line = stopLine { _ = write(STDERR_FILENO, line.baseAddress, line.count) }
    _exit(128 + signal)
}
