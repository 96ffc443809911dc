import CProtobufDescriptor

/// The comments of a `.proto` file by the location path of the element they precede, as
/// `SourceCodeInfo` records them (`[4, 0, 2, 1]` is the second field of the first message).
struct SourceComments {
    private var comments: [[Int32]: String] = [:]

    init(_ info: UnsafeMutablePointer<Google__Protobuf__SourceCodeInfo>?) {
        guard let info else { return }
        for location in DescriptorSetReader.pointers(info.pointee.location, info.pointee.n_location) {
            let path = Array(UnsafeBufferPointer(start: location.path, count: location.n_path))
            var text = DescriptorSetReader.string(location.leading_comments)
            if text.isEmpty {
                text = DescriptorSetReader.string(location.trailing_comments)
            }
            if !text.isEmpty {
                comments[path] = text
            }
        }
    }

    /// The comment before (or else after) the element at `path`; empty when it has none.
    subscript(path: [Int32]) -> String {
        comments[path] ?? ""
    }
}
