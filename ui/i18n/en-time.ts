/** How a time reads (English): always Malaysian time, labelled (dialogs/time-format.ts). */
export const enTime = {
  'time.at': '{date} {time} (Malaysia time)',
};
