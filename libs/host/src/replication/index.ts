export * from './rsync-output.parser';
export * from './ssh-transport';
