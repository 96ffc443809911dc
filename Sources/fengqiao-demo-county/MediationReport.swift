import FengqiaoMessages

/// The mediation figures of each station and of the county, computed from the disputes the
/// mediation service exports to the county admin: how many were filed, settled by agreement or
/// failed, the success rate, how many were settled on the spot or at a workstation, how many went
/// beyond the station (the "矛盾不上交" zero), how many are still being mediated and how many are
/// overdue now.
struct MediationFigures {
    var filed = 0
    var agreed = 0
    var failed = 0
    /// Agreements reached on the spot or at a workstation.
    var agreedNearby = 0
    var beyondStation = 0
    var open = 0
    var overdue = 0

    mutating func count(_ dispute: MediationV1.Dispute) {
        filed += 1
        if dispute.agreement != nil {
            agreed += 1
            if dispute.handlingLevel == .onSite || dispute.handlingLevel == .workstation { agreedNearby += 1 }
        } else if dispute.failure != nil {
            failed += 1
        }
        if dispute.escalatedBeyondStation { beyondStation += 1 }
        if [.screening, .intervention, .jointMediation].contains(dispute.stage) { open += 1 }
        if dispute.overdue { overdue += 1 }
    }

    /// Agreements ÷ (agreements + failures); `nil` before anything finished, not 0%.
    var successRate: Double? {
        agreed + failed == 0 ? nil : Double(agreed) / Double(agreed + failed)
    }

    /// Agreements reached on the spot or at a workstation ÷ agreements.
    var nearbyShare: Double? {
        agreed == 0 ? nil : Double(agreedNearby) / Double(agreed)
    }

    static let header = ["station", "filed", "agreed", "failed", "success", "on site/ws", "beyond", "open", "overdue"]

    func row(_ code: String) -> [String] {
        [code, String(filed), String(agreed), String(failed), percent(successRate), percent(nearbyShare), String(beyondStation), String(open),
         String(overdue)]
    }

    private func percent(_ value: Double?) -> String {
        guard let value else { return "-" }
        let tenths = Int((value * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}

/// Rows of Latin text and numbers, right-aligned but for the first column, with a last free
/// column (where Chinese names go, which need no alignment after them).
func alignedRows(_ rows: [[String]], trailing: [String]) -> [String] {
    let columns = rows.map(\.count).max() ?? 0
    let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
    return rows.enumerated().map { index, row in
        let cells = row.enumerated().map { column, cell in
            let pad = String(repeating: " ", count: widths[column] - cell.count)
            return column == 0 ? cell + pad : pad + cell
        }
        let name = index < trailing.count ? trailing[index] : ""
        return (cells.joined(separator: "  ") + (name.isEmpty ? "" : "  " + name))
    }
}

/// How items spread over keys, in one line: the label, then `name count` for each key in the given
/// order, keys with no item left out.
func spreadLine<Item, Key: Hashable>(_ label: String, _ items: [Item], keys: [Key], _ key: (Item) -> Key, _ name: (Key) -> String) -> String {
    var counts: [Key: Int] = [:]
    for item in items { counts[key(item), default: 0] += 1 }
    let parts = keys.compactMap { key in counts[key].map { "\(name(key)) \($0)" } }
    return label.padding(toLength: 12, withPad: " ", startingAt: 0) + parts.joined(separator: "  ")
}
