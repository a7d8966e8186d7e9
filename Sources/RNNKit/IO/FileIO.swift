#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and crash-safe whole-file writes, with errors that name the file and the
/// operating system's reason.
enum FileIO {
    /// The complete contents of the file at `path`.
    /// - Parameter maxBytes: a larger file is refused before anything is read.
    /// - Throws: `RNNKitError` if the file cannot be opened or read, or is over `maxBytes`.
    static func readAll(_ path: String, maxBytes: Int = .max) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw systemError("cannot open '\(path)'") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw systemError("cannot stat '\(path)'") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw RNNKitError("'\(path)' is not a regular file") }
        let size = Int(info.st_size)
        guard size <= maxBytes else {
            throw RNNKitError("'\(path)' is \(size) bytes, more than the \(maxBytes) bytes this reader accepts")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw systemError("cannot read '\(path)'") }
            guard n > 0 else { throw RNNKitError("'\(path)' shrank while being read (\(done) of \(size) bytes)") }
            done += n
        }
        return bytes
    }

    /// Replaces the file at `path` with `bytes` so that a crash at any moment leaves either the
    /// old file or the complete new one: the bytes go to a temporary file in the same directory,
    /// which is flushed to disk (`fsync`) and then renamed over `path`.
    /// - Throws: `RNNKitError` if any step fails; the temporary file is removed.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let (directory, base) = split(path)
        let temporary = "\(directory)/.\(base).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw systemError("cannot create '\(temporary)'") }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(fd) }
            var done = 0
            while done < bytes.count {
                let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw systemError("cannot write '\(temporary)'") }
                done += n
            }
            guard fsync(fd) == 0 else { throw systemError("cannot flush '\(temporary)' to disk") }
        }
        guard rename(temporary, path) == 0 else { throw systemError("cannot rename '\(temporary)' to '\(path)'") }
        renamed = true
        // Make the rename itself durable; failure here leaves a complete file either way.
        let dirFD = open(directory, O_RDONLY)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    /// The directory (or ".") and last component of `path`.
    static func split(_ path: String) -> (directory: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// `what: <strerror(errno)>` as an error.
    private static func systemError(_ what: String) -> RNNKitError {
        RNNKitError("\(what): \(String(cString: strerror(errno)))")
    }
}
