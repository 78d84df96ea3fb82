@NullMarked
package dev.streamctl.status.reconcile;

import org.jspecify.annotations.NullMarked;
