#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// One trainer per run folder. A trainer holds an advisory lock (`flock`) on `DIR/.lock` while
// it writes the folder; the file also holds the trainer's process id, so a second trainer is
// refused with one line naming the first. The kernel releases the lock when the process ends,
// however it ends (`kill -9` included), so a stale `.lock` file never blocks a later run.
// Holding the lock also makes it safe to remove what dead runs left behind: temporary files
// of interrupted atomic writes (`.latest.safetensors.tmp-PID-N`, `.loss.svg.tmp-PID-N`, …).

/// The lock of a run folder, held until the value is released (or the process ends).
public final class RunLock {
    /// The lock file, `DIR/.lock`.
    public let path: String
    private let fd: Int32

    fileprivate init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }                                        // releases the flock
}

extension RunDirectory {
    /// `.lock`, the file a trainer locks while it writes the folder.
    public var lockPath: String { file(".lock") }

    /// Creates the folder if needed and locks it for this process (non-blocking). On a file
    /// system that has no locks (some network mounts), the folder is used unlocked.
    /// - Throws: `RNNKitError` if another process holds the lock (naming its process id), or
    ///   the folder or lock file cannot be created.
    public func lock() throws -> RunLock {
        try create()
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RNNKitError("cannot open '\(lockPath)': \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let reason = errno
            if reason == ENOLCK || reason == EOPNOTSUPP || reason == ENOSYS {
                break                                   // a file system without locks: train unlocked rather than not at all
            }
            close(fd)
            guard reason == EWOULDBLOCK else {
                throw RNNKitError("cannot lock '\(lockPath)': \(String(cString: strerror(reason)))")
            }
            let holder = lockHolder().map { "process \($0)" } ?? "a process that has not written its id yet"
            throw RNNKitError("'\(path)' is being written by another trainer (\(holder)); wait for it to finish or stop it, or choose another folder")
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress!, $0.count, 0) }
        return RunLock(path: lockPath, fd: fd)
    }

    /// The process id written in the lock file, if any.
    func lockHolder() -> Int? {
        guard let bytes = try? FileIO.readAll(lockPath), bytes.count < 32 else { return nil }
        return Int(String(decoding: bytes, as: UTF8.self).split(separator: "\n").first ?? "")
    }

    /// Removes the temporary files of atomic writes that a dead process left in the folder
    /// (`.NAME.tmp-PID-N`). Call only while holding the folder's lock: then no other writer
    /// is using them.
    /// - Returns: the names removed.
    @discardableResult
    public func removeLeftoverTemporaryFiles() -> [String] {
        let leftovers = fileNames().filter(Self.isTemporaryFileName)
        for name in leftovers { remove(name) }
        return leftovers
    }

    /// Whether `name` has the form of `FileIO.writeAtomically`'s temporary files:
    /// `.<name>.tmp-<pid>-<number>`.
    static func isTemporaryFileName(_ name: String) -> Bool {
        let components = name.split(separator: ".", omittingEmptySubsequences: false)
        guard name.hasPrefix("."), components.count >= 3, let last = components.last, last.hasPrefix("tmp-") else { return false }
        let parts = last.dropFirst(4).split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }
    }
}

extension Character {
    /// 0–9.
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
