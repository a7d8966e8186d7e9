// Whether this process was started by an MPI launcher, and how many cores it may use. The
// launchers announce themselves in the environment: Open MPI's mpirun sets OMPI_COMM_WORLD_SIZE
// (and OMPI_COMM_WORLD_LOCAL_SIZE), MPICH's Hydra PMI_SIZE (and MPI_LOCALNRANKS), PMIx-based
// launchers (srun, prterun) PMIX_RANK.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the MPI launcher told this process through its environment.
public enum MPILaunch {
    /// The ranks the launcher started, when it says so (nil: not started by a known launcher).
    public static func launchedRanks(_ environment: [String: String]) -> Int? {
        for key in ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS"] {
            if let n = environment[key].flatMap(Int.init), n >= 1 { return n }
        }
        return environment["PMIX_RANK"] != nil ? 1 : nil
    }

    /// The ranks of the whole run as the launcher announced them (OMPI_COMM_WORLD_SIZE, PMI_SIZE
    /// or PMIX_SIZE), nil when it does not say: what MPI's world must hold once initialised.
    public static func worldRanks(_ environment: [String: String]) -> Int? {
        for key in ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"] {
            if let n = environment[key].flatMap(Int.init), n >= 1 { return n }
        }
        return nil
    }

    /// Whether a launcher started this process (`launchedRanks` is not nil).
    public static func isLaunched(_ environment: [String: String]) -> Bool { launchedRanks(environment) != nil }

    /// The ranks the launcher started on this machine (1 when it does not say).
    public static func localRanks(_ environment: [String: String]) -> Int {
        for key in ["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "PMI_LOCAL_SIZE", "SLURM_NTASKS_PER_NODE"] {
            if let n = environment[key].flatMap(Int.init), n >= 1 { return n }
        }
        return 1
    }

    /// The default threads of one rank: the cores its affinity mask allows; when the launcher
    /// did not bind ranks (the mask is the whole machine), that divided by the ranks on this
    /// machine; at least 1.
    /// - Parameters:
    ///   - allowed: the cores in the affinity mask.
    ///   - online: the cores of the machine.
    ///   - localRanks: the ranks on this machine.
    public static func threadsPerRank(allowed: Int, online: Int, localRanks: Int) -> Int {
        guard allowed >= online, localRanks > 1 else { return max(1, allowed) }
        return max(1, allowed / localRanks)
    }

    /// The launcher variables of this process's environment (those the functions above read).
    public static var processEnvironment: [String: String] {
        var found: [String: String] = [:]
        for key in ["OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_SIZE", "PMI_SIZE", "PMIX_SIZE", "PMIX_RANK",
                    "MPI_LOCALNRANKS", "PMI_LOCAL_SIZE", "SLURM_NTASKS_PER_NODE"] {
            if let value = getenv(key) { found[key] = String(cString: value) }
        }
        return found
    }

    /// The cores of this machine that are online.
    public static var onlineCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
