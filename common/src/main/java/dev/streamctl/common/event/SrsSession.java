package dev.streamctl.common.event;

import java.util.Objects;

/**
 * Who SRS says is publishing: the identities from the hook body ({@code server_id},
 * {@code service_id}, {@code client_id}, {@code stream_id}) and the stream's address. One
 * publisher session is one {@code (serverId, clientId)} pair.
 *
 * <p>
 * {@link #stream()} is the streamer's secret key and {@link #param()} may carry tokens:
 * both are masked by {@link #toString()}.
 */
public record SrsSession(String serverId, String serviceId, String clientId, String streamId, String vhost, String app,
		StreamKey stream, String param, String ip) {

	public SrsSession {
		Objects.requireNonNull(clientId, "session.clientId is required");
		Objects.requireNonNull(app, "session.app is required");
		Objects.requireNonNull(stream, "session.stream is required");
		serverId = Objects.requireNonNullElse(serverId, "");
		serviceId = Objects.requireNonNullElse(serviceId, "");
		streamId = Objects.requireNonNullElse(streamId, "");
		vhost = Objects.requireNonNullElse(vhost, "");
		param = Objects.requireNonNullElse(param, "");
		ip = Objects.requireNonNullElse(ip, "");
	}

	@Override
	public String toString() {
		return "SrsSession[serverId=" + serverId + ", serviceId=" + serviceId + ", clientId=" + clientId + ", streamId="
				+ streamId + ", vhost=" + vhost + ", app=" + app + ", stream=" + stream.masked() + ", param="
				+ Masking.query(param) + ", ip=" + ip + "]";
	}

}
