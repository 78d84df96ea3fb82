@NullMarked
package dev.streamctl.thumbnail.srs;

import org.jspecify.annotations.NullMarked;
