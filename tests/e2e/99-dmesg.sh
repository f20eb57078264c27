# After everything: the kernel log has no warning, bug or leak report.
bad=$(dmesg | grep -E 'WARNING:|BUG:|Oops|general protection|Call Trace|KASAN|UBSAN|kmemleak|refcount_t|list_add corruption')
check dmesg-clean "${bad:-none}" none
check still-loaded "$(is_loaded && echo yes)" yes
