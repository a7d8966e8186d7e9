import ArgumentParser
import RNNKit

/// `--scaler`.
extension SeriesScaling: ExpressibleByArgument {}

/// Where a time-series task's values come from.
struct SeriesDataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("CSV file with a header row. Default: a series RNNKit generates itself.", valueName: "file"))
    var csv: String?
    @Option(help: ArgumentHelp("The value column(s) to model, comma-separated. (default: value)", valueName: "name"))
    var column: String?
    @Option(help: ArgumentHelp("A time column, kept as text (plots, --test-from).", valueName: "name"))
    var timeColumn: String?
    @Option(parsing: .unconditional, help: "Steps in each input window.")
    var window: Int?
    @Option(parsing: .unconditional, help: "Steps between the starts of consecutive training windows. (default: 1)")
    var stride: Int?
    @Option(help: "How values are scaled, fitted on the training part only: minmax, standard, or window-mean (minmax, then each window divided by its mean).")
    var scaler: SeriesScaling?

    /// The value columns named by --column.
    var columns: [String]? { column.map(commaSeparated) }

    func validate() throws {
        if csv == nil && (column != nil || timeColumn != nil) {
            throw ValidationError("--column and --time-column name columns of a --csv file")
        }
        if let columns, columns.isEmpty || columns.contains("") { throw ValidationError("--column needs column names, comma-separated") }
        if let w = window, w < 1 { throw ValidationError("--window must be at least 1, got \(w)") }
        if let s = stride, s < 1 { throw ValidationError("--stride must be at least 1, got \(s)") }
    }

    var anyGiven: Bool { csv != nil || column != nil || timeColumn != nil || window != nil || stride != nil || scaler != nil }
}

/// The architecture of a forecaster or autoencoder.
struct SeriesModelOptions: ParsableArguments {
    @Option(help: "Recurrent cell. (default: lstm)")
    var cell: CellOption?
    @Option(parsing: .unconditional, help: "Hidden units per layer (the autoencoder's code size).")
    var hidden: Int?
    @Option(parsing: .unconditional, help: "Stacked recurrent layers. (default: 1)")
    var layers: Int?
    @Option(parsing: .unconditional, help: "Dropout between stacked layers. (default: 0)")
    var dropout: Double?

    func validate() throws {
        if let p = dropout, !(p >= 0 && p < 1) { throw ValidationError("--dropout must be in [0, 1), got \(p)") }
        if let h = hidden, !(1...(1 << 16)).contains(h) { throw ValidationError("--hidden must be in 1...65536, got \(h)") }
        if let l = layers, !(1...64).contains(l) { throw ValidationError("--layers must be in 1...64, got \(l)") }
    }

    var anyGiven: Bool { cell != nil || hidden != nil || layers != nil || dropout != nil }
}

/// A run folder's default plot path, or the folder holding a checkpoint file.
func runFolder(of model: String) -> String {
    if RunDirectory.isFolder(model) { return model }
    guard let slash = model.lastIndex(of: "/") else { return "." }
    return slash == model.startIndex ? "/" : String(model[..<slash])
}

/// The names of a comma-separated list, each stripped of surrounding spaces.
func commaSeparated(_ list: String) -> [String] {
    list.split(separator: ",", omittingEmptySubsequences: false).map { name in
        String(name.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

/// `text` as a JSON string literal.
func jsonString(_ text: String) -> String {
    var out = "\""
    for u in text.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 {
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}
