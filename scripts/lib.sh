# Shared by scripts/*: configure a build directory once, reconfigure after.
# usage: snic_setup DIR [meson options...]
snic_setup() {
	local dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@" | tail -n 3
	else
		meson setup "$dir" "$@" | tail -n 3
	fi
}
