import { describe, expect, it } from "vitest";
import { SaveTracker } from "./save-state";

/** A change as the connection reports it: our listener, then the provider sends it (or cannot). */
function type(tracker: SaveTracker, socketOpen: boolean) {
  const change = tracker.changed();
  if (socketOpen) tracker.wrote("update");
  tracker.afterChange();
  return change;
}

function ready(tracker: SaveTracker, unconfirmed = false) {
  tracker.deviceReady(unconfirmed);
  return tracker;
}

describe("the save state", () => {
  it("is 'server' only once the server acknowledged the message that carried the change", () => {
    const tracker = ready(new SaveTracker());
    tracker.opened();
    tracker.wrote("syncReply");
    tracker.acknowledged(1);
    expect(tracker.state).toBe("server");
    const change = type(tracker, true);
    expect(tracker.state).toBe("none");
    tracker.storedOnDevice(change);
    expect(tracker.state).toBe("device");
    tracker.acknowledged(2);
    expect(tracker.state).toBe("server");
  });

  it("keeps offline changes unconfirmed until a later socket's sync reply is acknowledged, not its first update", () => {
    const tracker = ready(new SaveTracker());
    tracker.opened();
    tracker.closed();
    tracker.storedOnDevice(type(tracker, false));
    expect(tracker.state).toBe("device");
    tracker.opened();
    // A change typed before the server's sync request arrives leaves as an update: it carries
    // only itself, not the offline change.
    tracker.storedOnDevice(type(tracker, true));
    tracker.acknowledged(1);
    expect(tracker.state).toBe("device");
    tracker.wrote("syncReply");
    tracker.acknowledged(2);
    expect(tracker.state).toBe("server");
  });

  it("sends again what a socket that closed had not had acknowledged", () => {
    const tracker = ready(new SaveTracker());
    tracker.opened();
    tracker.storedOnDevice(type(tracker, true));
    tracker.closed();
    tracker.opened();
    // An acknowledgement on the new socket counts that socket's messages, not the old one's.
    tracker.wrote("update");
    tracker.acknowledged(1);
    expect(tracker.state).toBe("device");
    tracker.wrote("syncReply");
    tracker.acknowledged(2);
    expect(tracker.state).toBe("server");
  });

  it("says 'none' when the browser cannot keep changes, and after its store failed", () => {
    const withoutStore = new SaveTracker();
    withoutStore.opened();
    type(withoutStore, false);
    expect(withoutStore.state).toBe("none");
    const failing = ready(new SaveTracker());
    failing.storedOnDevice(type(failing, false));
    expect(failing.state).toBe("device");
    failing.deviceFailedToStore();
    expect(failing.state).toBe("none");
    // The lock deletes the device's copy: what was only there is in this tab alone now.
    const locked = ready(new SaveTracker());
    locked.storedOnDevice(type(locked, false));
    expect(locked.state).toBe("device");
    locked.deviceGone();
    expect(locked.state).toBe("none");
    locked.storedOnDevice(type(locked, false));
    expect(locked.state).toBe("none");
  });

  it("starts unconfirmed when the device kept changes the server had not acknowledged", () => {
    const tracker = ready(new SaveTracker(), true);
    expect(tracker.state).toBe("device");
    tracker.opened();
    tracker.wrote("syncReply");
    expect(tracker.state).toBe("device");
    tracker.acknowledged(1);
    expect(tracker.state).toBe("server");
  });
});
