import { redirect } from 'next/navigation';

/** The catalogue is the portal's front page. */
export default function Home() {
  redirect('/apis');
}
