package dev.streamctl.thumbnail.capture.flv;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what a tap reported, in order. */
final class RecordingListener implements FlvTap.Listener {

	final List<Keyframe> keyframes = new CopyOnWriteArrayList<>();

	final List<String> drops = new CopyOnWriteArrayList<>();

	final List<String> unsupportedCodecs = new CopyOnWriteArrayList<>();

	final List<String> failures = new CopyOnWriteArrayList<>();

	@Override
	public void keyframe(Keyframe keyframe) {
		this.keyframes.add(keyframe);
	}

	@Override
	public void keyframeDropped(FlvTap.DropReason reason, int sizeBytes) {
		this.drops.add(reason + " " + sizeBytes);
	}

	@Override
	public void unsupportedCodec(String codec) {
		this.unsupportedCodecs.add(codec);
	}

	@Override
	public void failed(String reason) {
		this.failures.add(reason);
	}

}
