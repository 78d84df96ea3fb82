/**
 * Turns one H.264 keyframe into a JPEG thumbnail in the JVM with libavcodec and swscale
 * (the LGPL build of {@code org.bytedeco:ffmpeg}): no process per stream.
 */
@NullMarked
package dev.streamctl.thumbnail.capture.decode;

import org.jspecify.annotations.NullMarked;
