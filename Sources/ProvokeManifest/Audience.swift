/// The decision makers an output is made for. The raw value is what manifests, MP4 tags,
/// sidecar records and the ledger store.
public enum Audience: String, Codable, CaseIterable, Sendable, Comparable {
    case icb
    case college
    case government

    /// Who the audience is, in words a human reads in a player's comment field or a report.
    public var description: String {
        switch self {
        case .icb: return "Integrated Care Boards"
        case .college: return "the royal colleges"
        case .government: return "government"
        }
    }

    public static func < (a: Audience, b: Audience) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
