# After everything: the kernel log has no error report of any kind (the
# one list of patterns, tests/kernel-log-errors, that the host scans the
# console with too).
bad=$(dmesg | grep -E -f /tests/kernel-log-errors)
check dmesg-clean "${bad:-none}" none
check still-loaded "$(is_loaded && echo yes)" yes
