package dev.streamctl.thumbnail.capture;

import java.util.Arrays;
import java.util.List;

import dev.streamctl.thumbnail.capture.ffmpeg.FfmpegCommand;

/** FFmpeg captures running on this host, found by their marker argument. */
final class RunningCaptures {

	private RunningCaptures() {
	}

	/** Captures reading this stream. */
	static long of(String key) {
		return ProcessHandle.allProcesses()
			.filter(ProcessHandle::isAlive)
			.filter(process -> process.info().arguments().map(args -> {
				List<String> list = Arrays.asList(args);
				return list.contains("comment=" + FfmpegCommand.MARKER)
						&& list.stream().anyMatch(arg -> arg.endsWith("/" + key));
			}).orElse(false))
			.count();
	}

	/** Captures whose worker is gone: their parent is init. */
	static long orphaned() {
		return ProcessHandle.allProcesses()
			.filter(process -> process.info()
				.arguments()
				.map(args -> Arrays.asList(args).contains("comment=" + FfmpegCommand.MARKER))
				.orElse(false))
			.filter(process -> process.parent().map(parent -> parent.pid() == 1).orElse(true))
			.count();
	}

}
