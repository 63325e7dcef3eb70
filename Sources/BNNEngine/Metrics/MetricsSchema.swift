import Foundation

/// The metrics JSON Lines format: what `train --metrics` writes and `plot`,
/// `report` and the dashboard read. One definition for both sides.
///
/// Each line is one JSON object: the `EpochMetrics` fields under their
/// snake_case keys (`EpochMetrics.CodingKeys` is the one field list), plus
/// `"schema"` (this format's version) and, when the writer knows it,
/// `"dataset"` (the dataset's name). Non-finite numbers, which a diverged run
/// produces, are the strings `"nan"`, `"inf"` and `"-inf"` (JSON has no such
/// numbers); the same rule holds wherever bnn-tui writes metrics as JSON,
/// checkpoint headers included. docs/metrics.md documents the format.
public enum MetricsSchema {
    /// The version written into every line. Lines without `"schema"` were written
    /// before the field existed and have exactly version 1's fields.
    public static let version = 1

    /// The key of the version field.
    public static let schemaKey = "schema"
    /// The key of the optional dataset name.
    public static let datasetKey = "dataset"

    /// The strings that stand for non-finite numbers.
    public static let positiveInfinity = "inf"
    public static let negativeInfinity = "-inf"
    public static let notANumber = "nan"

    /// Sorted keys, non-finite numbers as strings: the encoder for metrics lines
    /// and checkpoint headers.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: positiveInfinity, negativeInfinity: negativeInfinity, nan: notANumber)
        return encoder
    }

    /// The decoder matching `makeEncoder()`.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: positiveInfinity, negativeInfinity: negativeInfinity, nan: notANumber)
        return decoder
    }
}

/// One line of a metrics file: the schema version, the optional dataset name and
/// the epoch's metrics, flattened into one JSON object.
struct MetricsRecord: Codable {
    var metrics: EpochMetrics
    var dataset: String?
    var schema: Int = MetricsSchema.version

    init(metrics: EpochMetrics, dataset: String?) {
        self.metrics = metrics
        self.dataset = dataset
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        static let schema = Key(stringValue: MetricsSchema.schemaKey)
        static let dataset = Key(stringValue: MetricsSchema.datasetKey)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        schema = try container.decodeIfPresent(Int.self, forKey: .schema) ?? 1
        guard (1...MetricsSchema.version).contains(schema) else {
            throw DecodingError.dataCorruptedError(
                forKey: .schema, in: container,
                debugDescription: "schema \(schema) is not one this bnn-tui reads (1-\(MetricsSchema.version)); a newer bnn-tui wrote it")
        }
        dataset = try container.decodeIfPresent(String.self, forKey: .dataset)
        metrics = try EpochMetrics(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try metrics.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(schema, forKey: .schema)
        try container.encodeIfPresent(dataset, forKey: .dataset)
    }
}
