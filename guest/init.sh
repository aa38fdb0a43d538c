#!/bin/busybox sh
# /init of the vmsa guest initramfs: set up the minimum, run /probe as
# PID 1's child and power off if it ever returns.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
# devtmpfs is optional: the archive's /dev/console is enough for the probe.
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
mount -t tmpfs tmpfs /tmp

# Below 512 MiB of RAM Linux leaves THP off; the probe wants PMD blocks.
thp=/sys/kernel/mm/transparent_hugepage/enabled
if [ -w "$thp" ]; then
    echo always > "$thp"
else
    echo "VMSA-WARN no $thp"
fi
# Keep kernel messages off the console so they cannot split probe lines.
dmesg -n 1

echo "VMSA-INIT kernel=$(uname -r) thp=$(cat "$thp" 2>/dev/null)"
/probe
echo "VMSA-EXIT status=$?"
poweroff -f
