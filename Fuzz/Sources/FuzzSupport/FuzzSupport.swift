#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What every fuzz target shares: a small memory budget (so that RNNKit refuses big models
/// long before libFuzzer's malloc limit), and a scratch folder for the readers that take paths.
public enum Fuzz {
    /// Sets up the process once: RNNKIT_MEMORY_LIMIT (64 MiB unless already set).
    public static func initialize() {
        setenv("RNNKIT_MEMORY_LIMIT", "67108864", 0)
    }

    /// The bytes of libFuzzer's input.
    public static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// A folder of this process for files the readers open (in /dev/shm when it exists).
    public static let scratch: String = {
        let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        let path = "\(base)/rnnkit-fuzz-\(getpid())"
        mkdir(path, 0o755)
        return path
    }()

    /// Writes `bytes` to `name` in the scratch folder and returns its path.
    @discardableResult
    public static func save(_ bytes: [UInt8], as name: String) -> String {
        let path = scratch + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd >= 0 {
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        return path
    }

    /// Runs `body`, ignoring the errors it throws (a clean error is a correct answer to a bad
    /// input; a crash, a trap or a sanitizer report is what the fuzzer looks for).
    public static func run(_ body: () throws -> Void) {
        do { try body() } catch {}
    }
}
