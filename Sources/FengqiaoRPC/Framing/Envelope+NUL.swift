extension RPCV1.Envelope {
    /// The first of the envelope's strings a caller or handler fills that holds U+0000, named by
    /// its field (`metadata`, `status.message` …); `nil` when none does.
    ///
    /// Such an envelope cannot be encoded (``ProtobufEncodingError``), and the frame encoder
    /// failing in the pipeline would end the connection and every call on it. So a sender whose
    /// frame does not encode looks here for the field to blame: a client refuses the call, a
    /// server answers `INTERNAL` instead; `nil` means the fault is in the message.
    var fieldWithNUL: String? {
        if method.utf8.contains(0) { return "method" }
        if metadata.contains(where: { $0.key.utf8.contains(0) || $0.value.utf8.contains(0) }) { return "metadata" }
        if let status {
            if status.message.utf8.contains(0) { return "status.message" }
            if let index = status.fieldViolations.firstIndex(where: { $0.field.utf8.contains(0) || $0.description.utf8.contains(0) }) {
                return "status.field_violations[\(index)]"
            }
        }
        if let goAway, goAway.message.utf8.contains(0) { return "go_away.message" }
        return nil
    }
}
