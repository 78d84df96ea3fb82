/**
 * Reading SRS's HTTP-FLV output for thumbnails: {@link FlvTap} parses an FLV byte stream
 * as it arrives and keeps only the H.264 codec configuration and the newest complete
 * keyframe, handed to the decoder as an immutable {@link Keyframe}; {@link FlvReader}
 * streams one HTTP-FLV response into a tap and reports why it stopped as a
 * {@link FlvReadOutcome}.
 */
@NullMarked
package dev.streamctl.thumbnail.capture.flv;

import org.jspecify.annotations.NullMarked;
