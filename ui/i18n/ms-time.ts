/** How a time reads (Bahasa Melayu): always Malaysian time, labelled (dialogs/time-format.ts). */
export const msTime = {
  'time.at': '{date} {time} (waktu Malaysia)',
};
