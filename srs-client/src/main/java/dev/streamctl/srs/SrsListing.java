package dev.streamctl.srs;

import java.net.URI;
import java.util.List;

/**
 * One SRS server's whole stream list, as its API answered it.
 *
 * @param api the API it was read from
 * @param serverId the answer's {@code server}: the id SRS's hooks and heartbeats carry as
 * {@code server_id} or {@code server}, which ties this API to them
 * @param serviceId the answer's {@code service}: the id of the SRS process, new at every
 * start (heartbeats carry it as {@code service})
 * @param streams every stream it holds
 */
public record SrsListing(URI api, String serverId, String serviceId, List<SrsStream> streams) {

	public SrsListing {
		streams = List.copyOf(streams);
	}

}
