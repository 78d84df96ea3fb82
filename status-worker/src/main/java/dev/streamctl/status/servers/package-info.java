/**
 * What the status worker knows of each SRS server from its heartbeats, and the offline
 * corrections of the streams of a server that restarted or went silent.
 */
@NullMarked
package dev.streamctl.status.servers;

import org.jspecify.annotations.NullMarked;
