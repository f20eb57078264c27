# After everything: the kernel log has no error report of any kind (the
# one list of patterns, tests/kernel-log-errors, that the host scans the
# console with too).
# With what tests emptied from the log on the way (dmesg_clear).
bad=$({ cat /tmp/dmesg.cleared 2>/dev/null; dmesg; } | grep -E -f /tests/kernel-log-errors)
check dmesg-clean "${bad:-none}" none
check still-loaded "$(is_loaded && echo yes)" yes
