# tcpclose --all-netns: three network namespaces, each with its own
# workload, seen from one process with exact rows and the right labels;
# one of them in a cgroup named as containerd names a Kubernetes pod's
# container. Runs in a PID namespace of its own (all-netns-inner.sh), so
# that /proc holds these three namespaces and no other.
CG=/sys/fs/cgroup
mounted=
if ! grep -q "^[^ ]* $CG cgroup2 " /proc/mounts; then
	mount -t cgroup2 none $CG && mounted=1
fi
T=$T unshare -pf --mount-proc sh ./all-netns-inner.sh
check inner.status $? 0
[ -n "$mounted" ] && umount $CG
