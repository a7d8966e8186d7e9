#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many SIGINTs (Ctrl-C) arrived; written only by the signal handler.
nonisolated(unsafe) private var interruptCount: sig_atomic_t = 0

/// Ctrl-C during training: the first SIGINT asks the trainer to stop after the current step
/// and write a checkpoint; a second one ends the program at once (checkpoints are written
/// atomically, so the previous one survives).
enum Interrupt {
    /// Routes SIGINT to the handler, and unblocks it in case the parent process started this
    /// one with SIGINT blocked (a blocked signal mask is inherited).
    static func install() {
        signal(SIGINT, handleInterrupt)
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
