@NullMarked
package dev.streamctl.status.reconcile.messaging;

import org.jspecify.annotations.NullMarked;
