import FengqiaoDomain

/// A dispute's level (矛盾纠纷等级), from 1, the simplest, to 5, the gravest.
///
/// The level decides which mediator tiers may lead the dispute (`minimumTier`, from
/// `MediatorTier.minimum(forLevel:)`) and how long each stage may take (`StageTimeLimits`).
/// `Grading.suggest(_:)` proposes one from the facts of the dispute.
///
/// ```swift
/// DisputeLevel(rawValue: 5)?.minimumTier   // .gold
/// DisputeLevel(rawValue: 6)                // nil
/// ```
public struct DisputeLevel: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// 1 to 5.
    public let rawValue: Int

    /// The level `rawValue`, or `nil` outside 1 to 5.
    public init?(rawValue: Int) {
        guard (1...5).contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    private init(checked rawValue: Int) {
        self.rawValue = rawValue
    }

    /// Level 1, the simplest.
    public static let one = DisputeLevel(checked: 1)
    /// Level 2.
    public static let two = DisputeLevel(checked: 2)
    /// Level 3.
    public static let three = DisputeLevel(checked: 3)
    /// Level 4.
    public static let four = DisputeLevel(checked: 4)
    /// Level 5, the gravest.
    public static let five = DisputeLevel(checked: 5)

    /// Every level, simplest first.
    public static let all: [DisputeLevel] = [.one, .two, .three, .four, .five]

    /// The least able tier that may lead a dispute of this level without an override.
    public var minimumTier: MediatorTier { MediatorTier.minimum(forLevel: rawValue) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `level 3`.
    public var description: String { "level \(rawValue)" }
}
