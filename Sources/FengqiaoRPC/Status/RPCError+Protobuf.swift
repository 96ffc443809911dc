import FengqiaoProtobuf

extension RPCError {
    /// `invalidArgument` for a request payload that does not decode as `Message`, with a field
    /// violation when the codec names the field at fault (a string that is not UTF-8 or holds
    /// U+0000).
    ///
    /// The server answers this way before the handler runs; the client raises the same field
    /// violation for a request it refuses to send.
    public static func undecodableRequest<Message: ProtobufMessage>(_ type: Message.Type, _ error: any Error) -> RPCError {
        let message = "request payload does not decode as \(Message.protoMessageName)"
        guard let decoding = error as? ProtobufDecodingError, let field = decoding.field else {
            return RPCError(.invalidArgument, message)
        }
        switch decoding.code {
        case .malformed:
            return RPCError(.invalidArgument, message)
        case .invalidUTF8:
            return RPCError(
                .invalidArgument,
                "\(message): field \(field) is not valid UTF-8",
                fieldViolations: [.init(field: field, description: "must be valid UTF-8")]
            )
        case .nulInString:
            return RPCError(.invalidArgument, "\(message): field \(field) contains U+0000", fieldViolations: [.nulInString(field)])
        }
    }

    /// `invalidArgument` for a request the client does not send because it cannot be encoded,
    /// naming the field as the server would.
    static func unsendableRequest(_ error: ProtobufEncodingError) -> RPCError {
        switch error.code {
        case .nulInString:
            RPCError(
                .invalidArgument,
                "request not sent: \(error)",
                fieldViolations: error.field.map { [.nulInString($0)] } ?? []
            )
        }
    }
}

extension RPCV1.FieldViolation {
    /// `field` holds U+0000, which strings on the wire may not contain.
    static func nulInString(_ field: String) -> RPCV1.FieldViolation {
        RPCV1.FieldViolation(field: field, description: "must not contain U+0000")
    }
}
