/** What kind of container this runs in, as the host probe detects it. */
export type ContainerType = 'lxc' | 'docker' | 'other' | 'none';
