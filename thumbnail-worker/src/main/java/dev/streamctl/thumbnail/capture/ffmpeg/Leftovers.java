package dev.streamctl.thumbnail.capture.ffmpeg;

import java.util.Arrays;
import java.util.List;

/**
 * Finds and kills captures that outlived their worker: FFmpeg processes tagged with
 * {@link FfmpegCommand#MARKER} whose parent is gone (re-parented to init or a subreaper).
 */
public final class Leftovers {

	private Leftovers() {
	}

	/** Kills the leftovers; answers how many there were. */
	public static int sweep() {
		List<ProcessHandle> leftovers = ProcessHandle.allProcesses()
			.filter(Leftovers::isCapture)
			.filter(process -> process.parent().map(parent -> parent.pid() == 1 || !isJava(parent)).orElse(true))
			.toList();
		leftovers.forEach(ProcessHandle::destroyForcibly);
		return leftovers.size();
	}

	private static boolean isCapture(ProcessHandle process) {
		return process.info()
			.arguments()
			.map(args -> Arrays.asList(args).contains("comment=" + FfmpegCommand.MARKER))
			.orElse(false);
	}

	private static boolean isJava(ProcessHandle process) {
		return process.info().command().map(command -> command.endsWith("java")).orElse(false);
	}

}
