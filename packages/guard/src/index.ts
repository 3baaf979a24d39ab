export { armWatchdog, type Watchdog } from "./watchdog.js";
export { heldLocks, refreshLock, stopRefreshingLock } from "./locks.js";
export { started as guardStarted } from "./thread.js";
