package dev.streamctl.srs;

/**
 * A stream as SRS's HTTP API lists it.
 *
 * @param serverId SRS {@code server} of the answer: the same id its hooks carry as
 * {@code server_id}
 * @param streamId SRS stream id ({@code vid-...})
 * @param app the app, e.g. {@code live}
 * @param name the stream name: the publisher's secret key
 * @param publishing whether a publisher is active on it ({@code publish.active})
 * @param clientId the publisher's client id ({@code publish.cid}), or empty
 */
public record SrsStream(String serverId, String streamId, String app, String name, boolean publishing,
		String clientId) {

	@Override
	public String toString() {
		return "SrsStream[serverId=" + this.serverId + ", streamId=" + this.streamId + ", app=" + this.app
				+ ", publishing=" + this.publishing + ", clientId=" + this.clientId + "]";
	}

}
