import FengqiaoMessages

/// Which kind of unit may sit under which: the bureau's tree.
///
/// | kind | may sit under |
/// | --- | --- |
/// | bureau | nothing (a root) |
/// | station | bureau |
/// | police room, police district | station |
/// | grid | station, police room, police district |
/// | community, village, scenic area | grid, police room, police district, station |
/// | residential compound | the above, or a community or village |
enum UnitRules {
    static func allowedParents(of kind: RegistryV1.UnitKind) -> Set<RegistryV1.UnitKind> {
        switch kind {
        case .bureau: []
        case .station: [.bureau]
        case .policeRoom, .policeDistrict: [.station]
        case .grid: [.station, .policeRoom, .policeDistrict]
        case .community, .village, .scenicArea: [.grid, .policeRoom, .policeDistrict, .station]
        case .compound: [.grid, .policeRoom, .policeDistrict, .station, .community, .village]
        case .unspecified, .unrecognized: []
        }
    }

    /// Whether a kind is one a resident, address or dispute can belong to.
    static func isPlace(_ kind: RegistryV1.UnitKind) -> Bool {
        [.community, .village, .scenicArea, .compound, .grid].contains(kind)
    }
}
